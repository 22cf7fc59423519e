// The zsh completion script: the same tables as bash (zsh runs the same `case` functions) and
// zsh's own completion calls, which show each command's and option's description.
import { functionPrefix } from './bash.js';
import type { CommandSpec } from './spec.js';
import { shTables, tables } from './tables.js';

export function zshScript(spec: CommandSpec): string {
  const p = functionPrefix(spec.name);
  const prog = spec.name;
  const fn = `_${prog.replace(/[^A-Za-z0-9_]/g, '_')}`;
  // zsh's `path` is tied to PATH: the command's path is `cpath`.
  return `#compdef ${prog}
# zsh completion for ${prog}, made by \`${prog} completion zsh\` from ${prog}'s own command definitions.
# This shell:   source <(${prog} completion zsh)           (after compinit)
# Every shell:  ${prog} completion zsh > ~/.zsh/completions/_${prog}
#               with fpath=(~/.zsh/completions $fpath) before compinit in ~/.zshrc

${shTables(p, tables(spec))}

# The values of one kind; a comma list completes its last item.
${p}_zvalues() {
  local code=$1
  local -a items
  case $code in W:* | I) compset -P '*,' ;; esac
  case $code in
    [wW]:*) compadd -- \${=code#?:} ;;
    [iI])
      items=(\${(f)"$($2 __complete ids \${=3} 2>/dev/null)"})
      items=(\${items//$'\\t'/:})
      _describe -t jobs job items ;;
    f) _files ;;
    d) _files -/ ;;
    c) _command_names -e; _files ;;
    u) _users ;;
  esac
}

${fn}() {
  local cur=\${words[CURRENT]} cpath='' w c code want='' after='' n=0 i
  local -a items codes
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if [[ -n $after || $w == - || $w != -* ]]; then
      if [[ -z $after && $n -eq 0 ]] && c=$(${p}_sub "$cpath" "$w"); then cpath=\${cpath:+$cpath }$c; else n=$((n + 1)); fi
      # A command to run (gflow submit's) owns the words after it, options included.
      [[ -z $after && $n -eq 1 && $(${p}_args "$cpath") == '*c' ]] && after=1
    elif [[ $w == -- ]]; then
      after=1
    elif [[ $w != --*=* ]] && code=$(${p}_optval "$cpath" "$w"); then
      if ((i + 1 == CURRENT)); then want=$code; else ((i++)); fi
    fi
  done
  if [[ -z $after && -z $want && $cur == --*=* ]] && code=$(${p}_optval "$cpath" "\${cur%%=*}"); then
    compset -P '*='
    want=$code
  fi
  if [[ -n $want ]]; then
    ${p}_zvalues "$want" "\${words[1]}" "$cpath"
  elif [[ -z $after && $cur == -* ]]; then
    items=(\${(f)"$(${p}_opts "$cpath")"})
    items=(\${items//$'\\t'/:})
    _describe -t options option items
  elif [[ $n -eq 0 ]] && c=$(${p}_subs "$cpath"); then
    items=(\${(f)c})
    items=(\${items//$'\\t'/:})
    _describe -t commands command items
  elif code=$(${p}_args "$cpath"); then
    codes=(\${(s:|:)code})
    code=\${codes[n + 1]}
    if [[ -z $code ]]; then
      [[ \${codes[-1]} == '*'* ]] || return 1
      code=\${codes[-1]}
    fi
    ${p}_zvalues "\${code#'*'}" "\${words[1]}" "$cpath"
  fi
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${prog}
fi
`;
}
