// The fish completion script: the tables as fish `switch` functions and one function that
// prints the candidates (with descriptions) for the token under the cursor.
import { functionPrefix } from './bash.js';
import type { CommandSpec } from './spec.js';
import { fishTables, tables } from './tables.js';

export function fishScript(spec: CommandSpec): string {
  const p = functionPrefix(spec.name);
  const prog = spec.name;
  // Every variable is quoted where it is used: an empty unquoted one is no argument at all.
  return `# fish completion for ${prog}, made by \`${prog} completion fish\` from ${prog}'s own command definitions.
# This shell:   ${prog} completion fish | source
# Every shell:  ${prog} completion fish > ~/.config/fish/completions/${prog}.fish

${fishTables(p, tables(spec))}

# The values of one kind for the text $value; candidates start with $prefix (an --option= and
# a comma list's earlier items).
function ${p}_values --argument-names code value prog cpath prefix
    if string match -qr '^(W:|I$)' -- "$code"; and string match -q -- '*,*' "$value"
        set prefix "$prefix"(string replace -r '[^,]*$' '' -- "$value")
        set value (string replace -r '^.*,' '' -- "$value")
    end
    switch "$code"
        case 'w:*' 'W:*'
            for w in (string split ' ' -- (string sub -s 3 -- "$code"))
                printf '%s%s\\n' "$prefix" "$w"
            end
        case i I
            command -q $prog; and $prog __complete ids (string split ' ' -- "$cpath") 2>/dev/null | string replace -r '^' -- "$prefix"
        case f
            __fish_complete_path "$value" | string replace -r '^' -- "$prefix"
        case d
            __fish_complete_directories "$value" | string replace -r '^' -- "$prefix"
        case c
            complete -C "$value"
            __fish_complete_path "$value"
        case u
            __fish_complete_users
    end
end

function ${p}_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cpath ''
    set -l n 0
    set -l after 0
    set -l want ''
    set -l prefix ''
    set -l c ''
    set -l code ''
    set -l i 2
    while test $i -le (count $tokens)
        set -l w "$tokens[$i]"
        if test $after = 1; or test "$w" = -; or not string match -q -- '-*' "$w"
            if test $after = 0 -a $n -eq 0; and set c (${p}_sub "$cpath" "$w")
                set cpath (string trim -- "$cpath $c")
            else
                set n (math $n + 1)
                # A command to run (gflow submit's) owns the words after it, options included.
                if test $after = 0 -a $n -eq 1
                    set -l own (${p}_args "$cpath")
                    test "$own" = '*c'; and set after 1
                end
            end
        else if test "$w" = --
            set after 1
        else if not string match -q -- '--*=*' "$w"; and set code (${p}_optval "$cpath" "$w")
            if test $i -eq (count $tokens)
                set want "$code"
            else
                set i (math $i + 1)
            end
        end
        set i (math $i + 1)
    end
    if test $after = 0 -a -z "$want"; and string match -q -- '--*=*' "$cur"; and set code (${p}_optval "$cpath" (string replace -r '=.*' '' -- "$cur"))
        set want "$code"
        set prefix (string replace -r '=.*' '=' -- "$cur")
        set cur (string replace -r '^[^=]*=' '' -- "$cur")
    end
    if test -n "$want"
        ${p}_values "$want" "$cur" "$tokens[1]" "$cpath" "$prefix"
    else if test $after = 0; and string match -q -- '-*' "$cur"
        ${p}_opts "$cpath"
    else if test $n -eq 0; and ${p}_subs "$cpath"
        return
    else if set code (${p}_args "$cpath")
        set -l codes (string split '|' -- "$code")
        set -l k (math $n + 1)
        if test $k -le (count $codes)
            set code "$codes[$k]"
        else if string match -q -- '[*]*' "$codes[-1]"
            set code "$codes[-1]"
        else
            return
        end
        ${p}_values (string replace -r '^[*]' '' -- "$code") "$cur" "$tokens[1]" "$cpath" ''
    end
end

complete -c ${prog} -f -a '(${p}_complete)'
`;
}
