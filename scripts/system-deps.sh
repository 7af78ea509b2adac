#!/usr/bin/env bash
# Install the Debian packages VendorEval needs: Chromium for the browser tests, Pango and HarfBuzz for WeasyPrint,
# gettext for compiling the French and German translations. As root this installs them; otherwise it names what to install.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null || need+=(npm)
command -v msgfmt >/dev/null || need+=(gettext)
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || need+=("$lib")
done
[ ${#need[@]} -eq 0 ] && exit 0
packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext)
command -v npm >/dev/null || packages+=(nodejs npm)
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "Missing system packages (${need[*]}). Install them with:" >&2
  echo "  sudo apt-get install ${packages[*]}" >&2
  exit 1
fi
