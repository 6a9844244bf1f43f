# Sourced by the scripts that start servers: `on_exit CMD` runs CMD when the script exits
# (every registered command, last registered first).

CLEANUPS=()
on_exit() {
  CLEANUPS+=("$1")
}
run_cleanups() {
  local i
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUPS[$i]}" || true
  done
}
trap run_cleanups EXIT
