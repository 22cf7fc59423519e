// The bash completion script: the command tables (tables.ts) and one function that reads the
// words typed so far, finds the command, and offers its subcommands, options, option values
// or arguments. Job ids come from `<program> __complete ids <command>` at the moment of <TAB>.
import type { CommandSpec } from './spec.js';
import { shTables, tables } from './tables.js';

/** `__gflow`, a prefix for a program's shell functions. */
export function functionPrefix(program: string): string {
  return `__${program.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function bashScript(spec: CommandSpec): string {
  const p = functionPrefix(spec.name);
  const prog = spec.name;
  return `# bash completion for ${prog}, made by \`${prog} completion bash\` from ${prog}'s own command definitions.
# This shell:      source <(${prog} completion bash)
# Every shell:     ${prog} completion bash > ~/.local/share/bash-completion/completions/${prog}
#                  (or add the first line to ~/.bashrc)

${shTables(p, tables(spec))}

# The values of one kind that start with $2 (a comma list completes its last item).
${p}_values() {
  local code=$1 cur=$2 pre='' words=''
  case $code in W:* | I) [[ $cur == *,* ]] && pre=\${cur%,*}, && cur=\${cur##*,} ;; esac
  case $code in
    [wW]:*) words=\${code#?:} ;;
    [iI]) words=$("$3" __complete ids $4 2>/dev/null | cut -f1) ;;
    f) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
    d) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
    c) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -c -- "$cur") $(compgen -f -- "$cur")); return ;;
    u) COMPREPLY=($(compgen -u -- "$cur")); return ;;
    *) return ;;
  esac
  COMPREPLY=($(compgen -P "$pre" -W "$words" -- "$cur"))
}

# The first column of a table's lines.
${p}_words() {
  local line
  while IFS=$'\\t' read -r line _; do [[ -n $line ]] && printf '%s ' "$line"; done
}

_${prog.replace(/[^A-Za-z0-9_]/g, '_')}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cpath='' w c code want='' after='' n=0 i
  # bash splits --opt=value into --opt, =, value: the = belongs to the option.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ -n $after || $w == - || $w != -* ]]; then
      if [[ -z $after && $n -eq 0 ]] && c=$(${p}_sub "$cpath" "$w"); then cpath=\${cpath:+$cpath }$c; else n=$((n + 1)); fi
      # A command to run (gflow submit's) owns the words after it, options included.
      [[ -z $after && $n -eq 1 && $(${p}_args "$cpath") == '*c' ]] && after=1
    elif [[ $w == -- ]]; then
      after=1
    elif code=$(${p}_optval "$cpath" "$w"); then
      [[ \${COMP_WORDS[i + 1]} == = ]] && ((i++))
      if ((i + 1 >= COMP_CWORD)); then want=$code; else ((i++)); fi
    fi
  done
  [[ $cur == = ]] && cur=''
  if [[ -n $want ]]; then
    ${p}_values "$want" "$cur" "\${COMP_WORDS[0]}" "$cpath"
  elif [[ -z $after && $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(${p}_opts "$cpath" | ${p}_words)" -- "$cur"))
  elif [[ $n -eq 0 ]] && c=$(${p}_subs "$cpath"); then
    COMPREPLY=($(compgen -W "$(printf '%s\\n' "$c" | ${p}_words)" -- "$cur"))
  elif code=$(${p}_args "$cpath"); then
    local IFS='|' codes
    read -ra codes <<<"$code"
    IFS=$' \\t\\n'
    code=\${codes[n]:-\${codes[-1]}}
    [[ -z \${codes[n]} && \${codes[-1]} != '*'* ]] && return
    ${p}_values "\${code#'*'}" "$cur" "\${COMP_WORDS[0]}" "$cpath"
  fi
}

complete -F _${prog.replace(/[^A-Za-z0-9_]/g, '_')} ${prog}
`;
}
