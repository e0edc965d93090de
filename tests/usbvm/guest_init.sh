#!/bin/busybox sh
# /init of the usbvm guest: a real kernel USB device, then the checks. Markers on the serial
# console: "USBVM-STEP <name> PASS|FAIL" per step, "USBVM-RESULT PASS|FAIL" at the end.
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin
mount -t proc none /proc
mount -t sysfs none /sys
mount -t devtmpfs none /dev
mount -t tmpfs none /tmp
mount -t tmpfs none /run
export HOME=/tmp XDG_RUNTIME_DIR=/run/user/0 GCONV_PATH=/usr/lib/x86_64-linux-gnu/gconv
mkdir -p $XDG_RUNTIME_DIR
FAILED=0

step() {
  name=$1
  shift
  if "$@" > /tmp/step.log 2>&1; then
    echo "USBVM-STEP $name PASS"
  else
    echo "USBVM-STEP $name FAIL"
    FAILED=1
  fi
  tail -n 40 /tmp/step.log | sed 's/^/  | /'
}
finish() {
  if [ $FAILED -eq 0 ]; then echo "USBVM-RESULT PASS"; else echo "USBVM-RESULT FAIL"; fi
  poweroff -f
}
wait_for() {  # wait_for TEST-ARGS... (up to ~10 s)
  i=0
  while ! test "$@"; do
    i=$((i + 1))
    [ $i -gt 100 ] && return 1
    sleep 0.1
  done
}

for m in $(cat /modules.order); do
  insmod /lib/modules/$m || { echo "USBVM-STEP insmod-$m FAIL"; FAILED=1; }
done
mount -t configfs none /sys/kernel/config
UDC=$(ls /sys/class/udc | head -n 1)
[ -n "$UDC" ] || { echo "USBVM-STEP udc FAIL (no UDC: dummy_hcd did not load)"; FAILED=1; finish; }

lockfw-sim --socket /tmp/lock.sock --state /tmp/lock.state --scenario occupied-rental 2> /tmp/sim.log &
lockfw-sim-gadget --socket /tmp/lock.sock --udc "$UDC" 2> /tmp/gadget.log &
GADGET=$!
if wait_for -e /dev/hidraw0; then
  echo "USBVM-STEP enumerate PASS"
else
  echo "USBVM-STEP enumerate FAIL"
  cat /tmp/sim.log /tmp/gadget.log | sed 's/^/  | /'
  FAILED=1
  finish
fi

step devices sh -c 'lockdiag devices --json > /tmp/devices.json; cat /tmp/devices.json;
  grep -q "\"hid:1209:0001:LD1-" /tmp/devices.json && grep -q "\"usb:1209:0001:LD1-" /tmp/devices.json &&
  grep -q "\"port_path\"" /tmp/devices.json && grep -q "\"kind\": \"sim\"" /tmp/devices.json'
export LOCKDIAG_CONFORMANCE_SIM_SOCKET=/tmp/lock.sock LOCKDIAG_BIN_DIR=/usr/bin
step conformance-hid env LOCKDIAG_CONFORMANCE_URI=hid:1209:0001 drivers_conformance
step info-hid lockdiag --device hid:1209:0001 info
step conformance-usb env LOCKDIAG_CONFORMANCE_URI=usb:1209:0001 drivers_conformance
step info-usb lockdiag --device usb:1209:0001 info
PORT=$(sed -n 's/.*"port_path": "\([^"]*\)".*/\1/p' /tmp/devices.json | head -n 1)
step info-usb-port lockdiag --device "usb:$PORT" info
if lockdiag --help 2>&1 | grep -qE "^ +status( |$)"; then  # the status command comes with the workflows
  step status-hid lockdiag --device hid:1209:0001 status
  step status-usb lockdiag --device usb:1209:0001 status
fi
# libusb gave the interface back to the kernel: hidraw works again
step hidraw-reattached sh -c 'test -e /dev/hidraw0 && lockdiag --device hid:1209:0001 info'
# unplug: the gadget goes away, the watcher notices, discovery lists no USB lock
lockdiag devices --watch --for 20 --json > /tmp/watch.log 2>&1 &
WATCH=$!
wait_for_line() {  # wait_for_line PATTERN FILE (up to ~10 s)
  i=0
  while ! grep -q "$1" "$2"; do
    i=$((i + 1))
    [ $i -gt 100 ] && return 1
    sleep 0.1
  done
}
wait_for_line '"kind":"usb"' /tmp/watch.log
kill $GADGET
wait $GADGET
wait_for_line '"event":"removed"' /tmp/watch.log
kill $WATCH
wait $WATCH
step unplug-noticed sh -c 'cat /tmp/watch.log; grep "\"event\":\"removed\"" /tmp/watch.log | grep -q "\"kind\":\"usb\"" &&
  ! lockdiag devices --json | grep -q "\"usb_id\""'
step unplugged-error sh -c 'lockdiag --device hid:1209:0001 info; test $? -eq 3'
finish
