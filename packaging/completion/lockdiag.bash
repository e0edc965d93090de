# bash completion for lockdiag (installed as /usr/share/bash-completion/completions/lockdiag).
# Commands and options are the ones in lockdiag --help; tests/packaging/check_completion.sh keeps
# them in step.
_lockdiag() {
  local cur prev words cword
  _init_completion || return

  local globals="-d --device --json --link --timeout-ms -h --help --version"
  local workflow="--technician --company --licence --site --site-zone --customer --notes --present --answers
    --report-dir --store --wait-timeout --sim-keypad --no-sign --sim-person"
  local commands="devices info status slots events diagnose audit reset rotate clock-sync job report
    keys company sync fleet settings demo"

  # The command path typed so far (first two words that are not options).
  local i cmd="" sub=""
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -*) ;;
      *) if [[ -z $cmd ]]; then cmd=${words[i]}; elif [[ -z $sub ]]; then sub=${words[i]}; fi ;;
    esac
  done

  case $prev in
    -d | --device)
      COMPREPLY=($(compgen -W "sim: hid:1209:0001 usb:1209:0001" -- "$cur"))
      compopt -o nospace
      return ;;
    --link) COMPREPLY=($(compgen -W "usb-fs" -- "$cur")); return ;;
    --paper) COMPREPLY=($(compgen -W "a4 letter" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "openssh lockdiag" -- "$cur")); return ;;
    --answers | --store | --key | --krl | --manufacturer | -o | --output) _filedir; return ;;
    --company) [[ $cmd == report ]] && { _filedir; return; } ;;
    --report-dir | --dir) _filedir -d; return ;;
  esac

  local opts=""
  case $cmd in
    "") COMPREPLY=($(compgen -W "$commands $globals" -- "$cur")); return ;;
    devices) opts="--json --watch --for --store" ;;
    status) opts="--session --wait-timeout --sim-keypad" ;;
    slots) opts="--wait-timeout --sim-keypad --store" ;;
    events) opts="--since --wait-timeout --sim-keypad" ;;
    diagnose) opts="$workflow --complaint-slot" ;;
    audit) opts="$workflow --keep" ;;
    reset) opts="$workflow --ownership --enroll" ;;
    rotate) opts="$workflow --rotate" ;;
    clock-sync) opts="$workflow --zone" ;;
    job)
      case $sub in
        "") COMPREPLY=($(compgen -W "list show check resume" -- "$cur")); return ;;
        list) opts="--store --lock" ;;
        show) opts="--store" ;;
        check) opts="--store" ;;
        resume) opts="$workflow" ;;
      esac ;;
    report)
      case $sub in
        "") COMPREPLY=($(compgen -W "verify render sign" -- "$cur")); return ;;
        verify) opts="--key --company --krl --manufacturer --json" ;;
        render) opts="--output --paper" ;;
        sign) opts="--output" ;;
      esac ;;
    keys)
      case $sub in
        "") COMPREPLY=($(compgen -W "show export install-cert" -- "$cur")); return ;;
        show) opts="--json" ;;
        export) opts="--output --format" ;;
        install-cert) opts="" ;;
      esac ;;
    company)
      case $sub in
        "") COMPREPLY=($(compgen -W "init certify revoke" -- "$cur")); return ;;
        init) opts="--name --dir" ;;
        certify) opts="--name --principal --days --valid-from --output --dir" ;;
        revoke) opts="--dir" ;;
      esac ;;
    sync) opts="--server --store" ;;
    fleet)
      case $sub in
        "")
          COMPREPLY=($(compgen -W "migrate ingest add-technician expired stale battery technicians
            history" -- "$cur"))
          return ;;
        migrate | ingest | expired) opts="--server" ;;
        add-technician) opts="--server --name --company --public-key --role" ;;
        stale | technicians) opts="--server --days" ;;
        battery) opts="--server --lock" ;;
        history) opts="--lock --store" ;;
      esac ;;
    settings) opts="--technician --company --licence --company-phone --company-email --company-address" ;;
    demo) opts="--dir --scenario" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $globals" -- "$cur"))
  else
    _filedir
  fi
} &&
  complete -F _lockdiag lockdiag
