#!/usr/bin/env bash
# Build dist/netsuite-sync-for-woocommerce.zip: the installable plugin (folder netsuite-sync-for-woocommerce/
# inside), without the tests, the PHPUnit config or anything dot-prefixed. Upload it under Plugins → Add New.
set -euo pipefail
cd "$(dirname "$0")/.."
SLUG=netsuite-sync-for-woocommerce
OUT="$PWD/dist/$SLUG.zip"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE/$SLUG" dist
tar -C wp-plugin --exclude='./tests' --exclude='./phpunit.xml*' --exclude='./.*' --exclude='*/.*' -cf - . | tar -C "$STAGE/$SLUG" -xf -
if command -v php >/dev/null 2>&1; then
  find "$STAGE/$SLUG" -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null
fi
rm -f "$OUT"
if command -v zip >/dev/null 2>&1; then
  (cd "$STAGE" && zip -qrX "$OUT" "$SLUG")
else
  python3 - "$STAGE" "$SLUG" "$OUT" <<'PY'
import os, sys, zipfile
stage, slug, out = sys.argv[1:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(os.path.join(stage, slug)):
        for f in sorted(files):
            path = os.path.join(root, f)
            z.write(path, os.path.relpath(path, stage))
PY
fi
echo "plugin zip: $OUT ($(unzip -l "$OUT" 2>/dev/null | tail -1 | awk '{print $2}') files)"
