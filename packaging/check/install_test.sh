#!/usr/bin/env bash
# install_test.sh DIR: install the .debs in DIR as apt would, in a throwaway root, use them as an
# ordinary user, then purge them and check nothing is left behind (docs/packaging.md).
#
# The throwaway root: a private mount namespace (unshare) with an overlayfs over / whose upper
# layer is a tmpfs. Installing writes only to the tmpfs; when the namespace ends, all of it is
# gone. Needs root (or sudo), no network (every dependency is already installed on a machine that
# builds lockdiag), and takes seconds where a debootstrap'd chroot takes minutes.
set -euo pipefail
debs=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
ls "$debs"/lockdiag_*.deb "$debs"/lockdiag-gui_*.deb >/dev/null
if [ "$(id -u)" -ne 0 ]; then exec sudo "$0" "$@"; fi
mnt=$(mktemp -d /tmp/lockdiag-install-test.XXXXXX)
trap 'rmdir "$mnt" 2>/dev/null || true' EXIT
unshare --mount --propagation private -- bash -euo pipefail -c '
  mnt=$1 debs=$2 stage=$3
  mount -t tmpfs -o size=1g lockdiag-install-test "$mnt"
  mkdir "$mnt/upper" "$mnt/work" "$mnt/root"
  mount -t overlay overlay -o lowerdir=/,upperdir="$mnt/upper",workdir="$mnt/work" "$mnt/root"
  root=$mnt/root
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t sysfs sysfs "$root/sys"
  mount -t tmpfs tmpfs "$root/tmp"
  mount -t tmpfs tmpfs "$root/run"
  mkdir -p "$root/tmp/debs"
  cp "$debs"/lockdiag_*.deb "$debs"/lockdiag-gui_*.deb "$root/tmp/debs/"
  cp "$stage" "$root/tmp/stage.sh"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash /tmp/stage.sh
' _ "$mnt" "$debs" "$here/install_stage.sh"
