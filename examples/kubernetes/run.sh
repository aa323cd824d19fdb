#!/usr/bin/env bash
# A distributed llm-bench run on Kubernetes: N shards as an Indexed Job, then one merge.
# Usage: examples/kubernetes/run.sh scenario.yaml [prompts.jsonl]
# Needs: kubectl pointed at a cluster, the llm-bench:local image (see Dockerfile), a Secret
#   kubectl create secret generic llm-bench-openai --from-literal=api-key="$OPENAI_API_KEY"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scenario="${1:?usage: run.sh scenario.yaml [prompts.jsonl]}"

kubectl delete job llm-bench-shards llm-bench-merge --ignore-not-found
kubectl apply -f "$here/results-pvc.yaml"
files=(--from-file=scenario.yaml="$scenario")
[ -n "${2:-}" ] && files+=(--from-file="$2")
kubectl create configmap llm-bench-scenario "${files[@]}" --dry-run=client -o yaml | kubectl apply -f -

# All shards start their plan at the same moment, whenever their pods were scheduled.
START_AT="$(date -u -d '+90 seconds' +%Y-%m-%dT%H:%M:%SZ)"
sed "s/\${START_AT}/$START_AT/" "$here/shards-job.yaml" | kubectl apply -f -
kubectl wait --for=condition=complete job/llm-bench-shards --timeout=24h

kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete job/llm-bench-merge --timeout=10m &
kubectl wait --for=condition=failed job/llm-bench-merge --timeout=10m &
wait -n || true
kubectl logs job/llm-bench-merge
# The merge job's success is the gate.
kubectl get job llm-bench-merge -o jsonpath='{.status.succeeded}' | grep -q 1
