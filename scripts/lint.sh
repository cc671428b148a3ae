#!/usr/bin/env bash
# Run azdev's style checks (pylint, flake8) and its command linter on the extension, offline.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$("$root/scripts/bootstrap.sh")
work=$root/.work/azdev
export AZURE_CORE_COLLECT_TELEMETRY=no
export VIRTUAL_ENV=$venv
export PATH=$venv/bin:$PATH
export AZDEV_CONFIG_DIR=$work/config
export AZURE_CONFIG_DIR=$work/azure-config
# azdev finds extensions by any *.egg-info below its repo paths, .work included, so it gets a
# folder that links only to the extension's own files.
export AZDEV_EXT_REPO_PATHS=$work/ext-repo
# azdev reads command-coverage patterns from an Azure CLI checkout at import and downloads them
# when that file is missing. The linter rules run here do not use the patterns, so a local file
# with placeholder patterns keeps azdev offline.
export AZDEV_CLI_REPO_PATH=$work/cli-repo
unset AZURE_EXTENSION_DIR
# The linter loads the CLI's command table, so the CLI must see the extension's sources.
export AZURE_EXTENSION_DEV_SOURCES=$AZDEV_EXT_REPO_PATHS

mkdir -p "$AZDEV_CLI_REPO_PATH/scripts/ci" "$AZURE_CONFIG_DIR"
cat > "$AZDEV_CLI_REPO_PATH/scripts/ci/cmdcov.yml" <<'YAML'
CMD_PATTERN: ['self\.cmd\(\s*[''"](.*)', 'cmd\(\s*[''"](.*)', 'x^', 'x^']
QUO_PATTERN: '[''"]'
END_PATTERN: '\)$'
DOCS_END_PATTERN: '^"""$'
NOT_END_PATTERN: '^\s*$'
NUMBER_SIGN_PATTERN: '^\s*#'
YAML
# What `azdev setup` would do: put azdev's extension lint configurations where it looks for them.
config_files=$AZDEV_CONFIG_DIR/env_config$VIRTUAL_ENV/config_files
mkdir -p "$config_files"
azdev_config=$("$venv/bin/python" -c 'import azdev, os; print(os.path.join(os.path.dirname(azdev.__file__), "config"))')
cp "$azdev_config/ext_pylintrc" "$config_files/ext_pylintrc"
cp "$azdev_config/ext.flake8" "$config_files/ext.flake8"

cd "$root"
"$venv/bin/python" setup.py -q egg_info > /dev/null 2>&1
# azdev names an extension after the folder that contains its egg-info.
rm -rf "$AZDEV_EXT_REPO_PATHS"
mkdir -p "$AZDEV_EXT_REPO_PATHS/identity-binding"
for item in setup.py README.md HISTORY.rst linter_exclusions.yml identity_binding.egg-info azext_identity_binding; do
  ln -s "$root/$item" "$AZDEV_EXT_REPO_PATHS/identity-binding/$item"
done

# azdev style prints PASSED even when pylint fails, so its exit code is what counts. pylint names
# modules after the working folder, so run from the linked extension's parent.
cd "$AZDEV_EXT_REPO_PATHS"
export PYTHONPATH=$AZDEV_EXT_REPO_PATHS/identity-binding
"$venv/bin/azdev" style identity-binding
"$venv/bin/azdev" linter identity-binding --rule-types command_groups commands params help_entries
