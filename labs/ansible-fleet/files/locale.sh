# Only the C.UTF-8 locale exists on this node. ansible-core refuses to
# start under a locale it cannot load (such as ja_JP.UTF-8 sent by an SSH
# client) or a non-UTF-8 one, so login shells use C.UTF-8.
LC_ALL=C.UTF-8
export LC_ALL
