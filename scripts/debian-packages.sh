#!/usr/bin/env bash
# The Debian packages the whole suite uses: Chromium for browser tests and
# report PDFs, CJK fonts for zh-Hant pages, gettext to check the zh-Hant
# catalogue (makemessages), poppler-utils to read printed PDFs, openssl for the
# webhook TLS test. Installs the missing ones when it can (root, or sudo without
# a password); otherwise says which are missing (their tests then skip with a
# reason, and fail under CI=true). Called by `make test` and `.ci/run`.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk poppler-utils openssl gettext)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "[packages] not a Debian system: install Chromium, Noto CJK fonts, poppler, openssl and gettext yourself" >&2
    exit 0
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]} == 0)); then
    echo "[packages] present: ${PACKAGES[*]}"
    exit 0
fi
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "[packages] missing: ${missing[*]} (run: sudo apt-get install ${missing[*]}); their tests will skip" >&2
        [[ "${CI:-}" == "true" ]] && exit 1
        exit 0
    fi
fi
echo "[packages] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q "${missing[@]}"
