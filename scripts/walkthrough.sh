#!/usr/bin/env bash
# Run the AKS identity binding walkthrough end to end through the real `az`, with this
# extension installed from its wheel, against the local ARM emulator.
#
# Everything lives under .work/walkthrough (config, extension, certificates, logs); the pinned
# tools live in .work/venv. An EXIT trap stops the emulator, also after a failed step.
# Environment: IB_OPERATION_SECONDS (default 3) sets how long the emulator's operations take.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/.work/walkthrough
export AZURE_CORE_COLLECT_TELEMETRY=no

venv=$("$root/scripts/bootstrap.sh")
python=$venv/bin/python
az=$venv/bin/az

rm -rf "$work"
mkdir -p "$work/dist" "$work/emulator"
export AZURE_CONFIG_DIR=$work/config
export AZURE_EXTENSION_DIR=$work/extensions

step() { printf '\n### %s\n' "$*"; }
run() {
  printf '\n$ %s\n' "$*"
  "$@"
}

# Run az from the work folder: `python -m azure.cli` puts the current folder first on the
# module path, so from the repository root it would load the sources instead of the wheel.
cd "$work"

step "Build the wheel and install the extension"
# setuptools builds in the source tree's build/ folder. Start from an empty one, so no stale
# file from an older build ends up in the wheel.
rm -rf "$root/build"
(cd "$root" && "$python" -m build --wheel --no-isolation --outdir "$work/dist" . > "$work/build.log" 2>&1) \
  || { cat "$work/build.log" >&2; exit 1; }
wheel=$(ls "$work/dist"/identity_binding-*.whl)
run "$az" extension add --source "$wheel" -y
run "$az" extension list --query "[].{name:name, version:version, preview:preview}" -o table
run "$az" aks identity-binding -h

step "Start the local ARM emulator"
subscription=00000000-0000-0000-0000-000000000000
tenant=00000000-0000-0000-0000-000000000000
sp_id=11111111-1111-1111-1111-111111111111
sp_secret=emulator-secret
cat > "$work/scenario.json" <<JSON
{
  "subscriptionId": "$subscription",
  "tenantId": "$tenant",
  "servicePrincipal": {"clientId": "$sp_id", "secret": "$sp_secret"},
  "operationDurationSeconds": ${IB_OPERATION_SECONDS:-3},
  "features": {"IdentityBindingPreview": "Registered"},
  "clusters": [{"resourceGroup": "rg-name", "name": "cluster-name", "oidcIssuer": true, "workloadIdentity": true}],
  "identities": [{"resourceGroup": "rg-name", "name": "mi-name"}]
}
JSON
(cd "$root" && exec "$python" -m tests.emulator --port 0 --scenario "$work/scenario.json" \
  --ready-file "$work/emulator/ready.json" --workdir "$work/emulator" 2> "$work/emulator.log" > /dev/null) &
emulator_pid=$!
trap 'kill "$emulator_pid" 2> /dev/null; wait "$emulator_pid" 2> /dev/null || true' EXIT
for _ in $(seq 1 100); do
  [[ -s $work/emulator/ready.json ]] && break
  kill -0 "$emulator_pid" 2> /dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
url=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$work/emulator/ready.json")
export REQUESTS_CA_BUNDLE=$work/emulator/ca.pem
[[ -f $REQUESTS_CA_BUNDLE ]] || REQUESTS_CA_BUNDLE=$("$python" -c \
  'import json, sys; print(json.load(open(sys.argv[1]))["ca_bundle"])' "$work/emulator/ready.json")
echo "Emulator at $url, CA bundle $REQUESTS_CA_BUNDLE"

step "Register a cloud for the emulator and log in with a service principal"
run "$az" cloud register -n IdentityBindingEmulator --endpoint-resource-manager "$url/" \
  --endpoint-active-directory "$url" --endpoint-active-directory-resource-id "https://management.core.windows.net/" \
  --endpoint-active-directory-graph-resource-id "https://graph.windows.net/" --skip-endpoint-discovery
run "$az" cloud set -n IdentityBindingEmulator
run "$az" config set core.instance_discovery=false --only-show-errors
run "$az" login --service-principal -u "$sp_id" -p "$sp_secret" --tenant "$tenant" -o table

rg=rg-name
cluster=cluster-name
mi_id=/subscriptions/$subscription/resourceGroups/$rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-name

step "1. Create the identity binding"
run "$az" aks identity-binding create --resource-group "$rg" --cluster-name "$cluster" --name my-first-ib \
  --managed-identity-resource-id "$mi_id"

step "Check the binding"
run "$az" aks identity-binding list -g "$rg" --cluster-name "$cluster"
run "$az" aks identity-binding show -g "$rg" --cluster-name "$cluster" -n my-first-ib
run "$az" aks identity-binding list -g "$rg" --cluster-name "$cluster" -o table
run "$az" aks identity-binding show -g "$rg" --cluster-name "$cluster" -n my-first-ib \
  --query properties.oidcIssuer.oidcIssuerUrl -o tsv
run "$az" identity federated-credential list -g "$rg" --identity-name mi-name --query "[].name" -o tsv

step "2. Generate the ClusterRole and ClusterRoleBinding (apply with: ... -o yaml | kubectl apply -f -)"
run "$az" aks identity-binding generate-rbac -g "$rg" --cluster-name "$cluster" -n my-first-ib \
  --name-prefix my-first-ib -o yaml

step "Delete the binding"
run "$az" aks identity-binding delete -g "$rg" --cluster-name "$cluster" -n my-first-ib --yes
run "$az" aks identity-binding list -g "$rg" --cluster-name "$cluster" -o table

step "Mistakes are caught with the fix in the message"
expect_exit() {
  local expected=$1
  shift
  printf '\n$ %s\n' "$*"
  local status=0
  "$@" || status=$?
  echo "(exit code $status)"
  [[ $status == "$expected" ]] || { echo "Expected exit code $expected." >&2; exit 1; }
}
expect_exit 3 "$az" aks identity-binding show -g "$rg" --cluster-name "$cluster" -n my-first-ib --only-show-errors
expect_exit 2 "$az" aks identity-binding create -g "$rg" --cluster-name "$cluster" -n my-first-ib --only-show-errors \
  --managed-identity-resource-id 00696361-d672-5924-b8dd-47d5aa37ec67

step "Done"
echo "The walkthrough finished; the emulator is being stopped."
