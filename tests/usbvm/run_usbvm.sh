#!/usr/bin/env bash
# tests/usbvm: boots a throwaway QEMU guest with Debian's own kernel, makes lockfw-sim a real
# USB HID device there (dummy_hcd + configfs f_hid), and runs the drivers' conformance suite,
# `lockdiag devices` and `lockdiag info` over hid: and usb: against it.
# Usage: run_usbvm.sh BIN_DIR WORK_DIR. Verdict: exit 0 only if every step passed in the guest.
# Facts this relies on: /work/shared/notes/real-usb-vm.md (TCG only, PVH vmlinux, module order,
# hid-generic by hand, the zero-length packet after full-size reports).
set -euo pipefail

BIN=$(realpath -m "${1:?bin dir}")
WORK=$(realpath -m "${2:?work dir}")
CACHE=${LOCKDIAG_USBVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lockdiag-usbvm}
T0=$(date +%s.%N)

fail() { echo "usbvm: FAIL: $*" >&2; exit 1; }
note() { printf "usbvm: [%5.1fs] %s\n" "$(awk -v a="$(date +%s.%N)" -v b="$T0" "BEGIN{print a-b}")" "$*"; }
need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' is missing (Debian package $2; run ./dev deps). This test cannot run without it."; }

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need depmod kmod
need modprobe kmod
need xz xz-utils
need apt-get apt
need dpkg-deb dpkg
need ldd libc-bin
need gzip gzip
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || fail "$BUSYBOX is not a static busybox (Debian package busybox-static)"
for b in lockfw-sim lockfw-sim-gadget lockdiag drivers_conformance; do
  [ -x "$BIN/$b" ] || fail "$BIN/$b is not built (cmake --build --preset default)"
done

# ---- kernel: Debian's own package, downloaded once, unpacked into the cache -------------------
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$KPKG" ] || fail "apt-cache does not know linux-image-amd64 (run apt-get update)"
KVER=${KPKG#linux-image-}
KDIR=$CACHE/$KVER
if [ ! -s "$KDIR/vmlinux" ] || [ ! -f "$KDIR/root/lib/modules/$KVER/modules.dep" ]; then
  note "fetching $KPKG into $CACHE (once)"
  mkdir -p "$CACHE/dl"
  if ! ls "$CACHE/dl/${KPKG}"_*.deb >/dev/null 2>&1; then
    (cd "$CACHE/dl" && apt-get download "$KPKG" >/dev/null 2>&1) || fail "cannot download $KPKG (no network or no apt sources?)"
  fi
  rm -rf "$KDIR.tmp"
  mkdir -p "$KDIR.tmp"
  dpkg-deb -x "$CACHE/dl/${KPKG}"_*.deb "$KDIR.tmp/root"
  VMLINUZ="$KDIR.tmp/root/boot/vmlinuz-$KVER"
  # An uncompressed vmlinux boots through QEMU's PVH entry in ~3 s instead of ~8 s under TCG.
  OFF=$(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$VMLINUZ" | head -1 | cut -d: -f1 || true)
  [ -n "$OFF" ] || fail "no xz stream in $VMLINUZ"
  tail -c +$((OFF + 1)) "$VMLINUZ" | xz -dc > "$KDIR.tmp/vmlinux" 2>/dev/null || true  # trailing data: xz exits 1
  head -c 4 "$KDIR.tmp/vmlinux" | grep -q ELF || fail "could not extract vmlinux from $VMLINUZ"
  depmod -b "$KDIR.tmp/root" "$KVER"
  rm -rf "$KDIR"
  mv "$KDIR.tmp" "$KDIR"
fi
note "kernel $KVER ready"

# ---- initramfs --------------------------------------------------------------------------------
rm -rf "$WORK"
ROOT=$WORK/root
mkdir -p "$ROOT"/{bin,sbin,usr/bin,lib/modules,proc,sys,dev,tmp,run,etc}
cp "$BUSYBOX" "$ROOT/bin/busybox"

# insmod order from the modules' own dependency data; hid-generic is not pulled in by
# anything and without it there is no hidraw node (no udev to load it).
ORDER=$WORK/modules.order
: > "$ORDER"
for m in dummy_hcd usb_f_hid configfs libcomposite hid hid-generic usbhid uhid; do
  modprobe -d "$KDIR/root" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}' | while read -r ko; do
    grep -qxF "$ko" "$ORDER" || echo "$ko" >> "$ORDER"
  done
done
while read -r ko; do
  cp "$ko" "$ROOT/lib/modules/"
  basename "$ko" >> "$ROOT/modules.order"
done < "$ORDER"

copy_with_libs() {
  local exe=$1
  cp "$exe" "$ROOT/usr/bin/"
  strip --strip-debug "$ROOT/usr/bin/$(basename "$exe")" 2>/dev/null || true
  ldd "$exe" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | while read -r lib; do
    mkdir -p "$ROOT$(dirname "$lib")"
    [ -e "$ROOT$lib" ] || cp -L "$lib" "$ROOT$lib"
  done
}
for b in lockfw-sim lockfw-sim-gadget lockdiag drivers_conformance; do copy_with_libs "$BIN/$b"; done
# glibc's UTF-16 converter: hidapi's libusb backend needs it for string descriptors.
for g in /usr/lib/x86_64-linux-gnu/gconv/gconv-modules /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache \
         /usr/lib/x86_64-linux-gnu/gconv/UTF-16.so; do
  [ -e "$g" ] && { mkdir -p "$ROOT$(dirname "$g")"; cp "$g" "$ROOT$g"; }
done
[ -d /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.d ] && cp -r /usr/lib/x86_64-linux-gnu/gconv/gconv-modules.d "$ROOT/usr/lib/x86_64-linux-gnu/gconv/"
echo "root:x:0:0:root:/tmp:/bin/sh" > "$ROOT/etc/passwd"
cp "$(dirname "$0")/guest_init.sh" "$ROOT/init"
chmod +x "$ROOT/init"
(cd "$ROOT" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$WORK/initramfs.cpio.gz")
note "initramfs $(du -h "$WORK/initramfs.cpio.gz" | cut -f1)"

# ---- boot ---------------------------------------------------------------------------------------
LOG=$WORK/serial.log
set +e
timeout 240 qemu-system-x86_64 -accel tcg -machine q35 -m 512 -smp 1 -nodefaults -no-user-config \
  -display none -serial stdio -monitor none -no-reboot \
  -kernel "$KDIR/vmlinux" -initrd "$WORK/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet" < /dev/null > "$LOG" 2>&1
QRC=$?
set -e
tr -d '\r' < "$LOG" | grep -E '^(USBVM|  \|)' || true
if [ $QRC -eq 124 ]; then
  tail -30 "$LOG" >&2
  fail "the guest did not finish within 240 s (log: $LOG)"
fi
if ! grep -q 'USBVM-RESULT' "$LOG"; then
  tail -40 "$LOG" >&2
  fail "qemu exited ($QRC) without a verdict from the guest (log: $LOG)"
fi
note "guest finished"
tr -d '\r' < "$LOG" | grep -q '^USBVM-RESULT PASS' || fail "steps failed in the guest (log: $LOG)"
echo "usbvm: PASS"
