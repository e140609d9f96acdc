#!/bin/sh
# Prints nomen's version: VERSION, plus where the tree is past it.
#
#   0.1.0                 the commit that last changed VERSION, clean tree
#   0.1.0+3.g1a2b3c4d5e6f  3 commits after it, at commit 1a2b3c4d5e6f
#   0.1.0+3.g1a2b3c4d5e6f.dirty   ... with uncommitted changes
#
# "+<n>.g<hash>" is build metadata for semver and sorts after 0.1.0 and in
# commit order for dpkg, so a development package upgrades the release it
# follows and the next one upgrades it. Outside a git checkout (a source
# tarball): VERSION alone.
set -eu
cd "$(dirname "$0")/.."
base=$(cat VERSION)
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "$base"
  exit 0
fi
since=$(git log -1 --format=%H -- VERSION 2>/dev/null || true)
if [ -n "$since" ]; then
  n=$(git rev-list --count "$since..HEAD")
else
  n=$(git rev-list --count HEAD) # VERSION not committed yet
fi
dirty=
git diff --quiet HEAD -- 2>/dev/null || dirty=.dirty
if [ "$n" = 0 ] && [ -z "$dirty" ] && [ -n "$since" ]; then
  echo "$base"
else
  echo "$base+$n.g$(git rev-parse --short=12 HEAD)$dirty"
fi
