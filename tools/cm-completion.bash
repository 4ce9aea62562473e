# bash completion for cm (installed as .../bash-completion/completions/cm).
#   cm <TAB>                 the commands
#   cm ping -<TAB>           the command's options, as its --help lists them
#   cm ping <TAB>            the registered names (cm names, in the --domain
#                            given on the line, if any)
#   cm nameserver <TAB>      status stop cleanup
# Try it without installing: source tools/cm-completion.bash

_cm_commands="names connects connections watch send request listen ping info kill nameserver secret version abi-check help"

# The registered names, one per word (cm names' first column).
_cm_names() {
  local domain=()
  local i
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; ++i)); do
    case ${COMP_WORDS[i]} in
      --domain | -domain) domain=(--domain "${COMP_WORDS[i + 1]}") ;;
    esac
  done
  "${COMP_WORDS[0]}" names "${domain[@]}" 2>/dev/null | awk 'NR > 1 { print $1 }'
}

_cm() {
  local cur prev command i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  # The command: the first word that is not a global option (or its value).
  command=
  for ((i = 1; i < COMP_CWORD; ++i)); do
    case ${COMP_WORDS[i]} in
      --domain | -domain) ((++i)) ;;
      -*) ;;
      *) command=${COMP_WORDS[i]}; break ;;
    esac
  done
  case $prev in
    --domain | -domain)
      # Domains from the CmDomains table, if there is one.
      local table=${CMDOMAIN_DATABASE:-${CMROOT:+$CMROOT/CmDomains}}
      [ -r "$table" ] && mapfile -t COMPREPLY < <(compgen -W "$(awk '!/^#/ { print $1 }' "$table")" -- "$cur")
      return ;;
    --timeout | --count | -n | --interval | --type | -type | --reply-type | --as) return ;;
  esac
  if [ -z "$command" ]; then
    mapfile -t COMPREPLY < <(compgen -W "$_cm_commands --domain --json --help --version" -- "$cur")
    return
  fi
  if [[ $cur == -* ]]; then
    local options
    options=$("${COMP_WORDS[0]}" "$command" --help 2>/dev/null | grep -oE -- '^ +(-[a-zA-Z] \[ )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*')
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    return
  fi
  case $command in
    nameserver) mapfile -t COMPREPLY < <(compgen -W "status stop cleanup" -- "$cur") ;;
    help) mapfile -t COMPREPLY < <(compgen -W "$_cm_commands" -- "$cur") ;;
    names | connects | connections | watch | send | request | ping | info | kill)
      mapfile -t COMPREPLY < <(compgen -W "$(_cm_names)" -- "$cur") ;;
  esac
}
complete -F _cm cm
