# bash completion for nomen. Generated from the command table in the source: do not edit (see docs/man/README.md).
_nomen() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            run|check|parse|coverage|tap|top|help|version) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    [[ -z $cmd && ( $cur == -* || COMP_CWORD -gt 1 ) ]] && cmd=run
    case $cmd:$prev in
        run:-config|run:--config) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        check:-config|check:--config) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        check:-timeout|check:--timeout) COMPREPLY=(); return ;;
        check:-user|check:--user) COMPREPLY=(); return ;;
        parse:-config|parse:--config) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        parse:-framing|parse:--framing) COMPREPLY=($(compgen -W "auto lf octet" -- "$cur")); return ;;
        coverage:-config|coverage:--config) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        coverage:-top|coverage:--top) COMPREPLY=(); return ;;
        tap:-api|tap:--api) COMPREPLY=(); return ;;
        tap:-config|tap:--config) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        tap:-format|tap:--format) COMPREPLY=($(compgen -W "json text" -- "$cur")); return ;;
        tap:-token-file|tap:--token-file) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        tap:-where|tap:--where) COMPREPLY=(); return ;;
        top:-api|top:--api) COMPREPLY=(); return ;;
        top:-config|top:--config) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
        top:-count|top:--count) COMPREPLY=(); return ;;
        top:-interval|top:--interval) COMPREPLY=(); return ;;
        top:-token-file|top:--token-file) compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    local words
    case $cmd in
        '') words="run check parse coverage tap top help version -h --help --version" ;;
        run) words="-config -h --help --version" ;;
        check) words="-config -online -timeout -user -h" ;;
        parse) words="-config -correlate -framing -json -trace -h" ;;
        coverage) words="-config -json -top -h" ;;
        tap) words="-api -config -format -token-file -where -h" ;;
        top) words="-api -config -count -interval -plain -token-file -h" ;;
        help) words="run check parse coverage tap top help version" ;;
        version) words="-h" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _nomen nomen
