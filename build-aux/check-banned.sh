#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when C sources call functions we do not use: unbounded copies and
# formats, non-reentrant tokenisers, predictable temporary names, shells.
# Like curl's checksrc: the reason each is banned is in HACKING.md.
top=${1:-$(dirname "$0")/..}
cd "$top" || exit 2
pattern='\b(gets|strcpy|strcat|strncat|sprintf|vsprintf|strtok|tmpnam|tempnam|mktemp|system|popen|atoi|atol)[[:space:]]*\('
hits=$(git ls-files -- '*.c' '*.h' 2>/dev/null | xargs -r grep -nE "$pattern" | grep -vE '^\S+:[0-9]+:\s*(/\*|\*)')
if [ -n "$hits" ]; then
  echo "Banned functions (see HACKING.md):"
  echo "$hits"
  exit 1
fi
echo "no banned functions in $(git ls-files -- '*.c' '*.h' | wc -l) files"
