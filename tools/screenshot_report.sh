#!/usr/bin/env bash
# Screenshot an HTML report (plan's report.html, say) as a user's browser
# draws it: headless Chromium, every network request refused (the report
# must draw offline), a page 900 px wide. Installs Chromium with apt-get
# when it is missing.
#
#   tools/screenshot_report.sh out/plan-m-large/report.html out/report.png [HEIGHT]
#
# HEIGHT (default 7000 px) is the window's height: the screenshot is that
# tall, so pick one that holds the whole page. Exit status 1 with a message
# when the report is missing or Chromium writes no image.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 REPORT.html OUT.png [HEIGHT]" >&2
    exit 2
fi
report=$1 out=$2 height=${3:-7000}
[ -f "$report" ] || { echo "$0: $report: no such file" >&2; exit 1; }
case $height in ''|*[!0-9]*) echo "$0: HEIGHT: expected a whole number of pixels, got '$height'" >&2; exit 2;; esac
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "$0: installing chromium with apt-get" >&2
    sudo=$([ "$(id -u)" = 0 ] || echo sudo)
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
fi
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
tmp="$out.tmp.png"
rm -f "$tmp"
# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
# The proxy on a closed port makes any network fetch fail, so a report that
# needs the network draws broken here too.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --proxy-server=127.0.0.1:9 \
    --window-size=900,"$height" --screenshot="$tmp" "$url" >/dev/null 2>&1 || true
if [ ! -s "$tmp" ]; then
    echo "$0: chromium wrote no screenshot of $report" >&2
    exit 1
fi
mv "$tmp" "$out"
echo "$out: screenshot of $url (900x$height)"
