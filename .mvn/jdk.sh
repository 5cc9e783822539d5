# Sourced by ./mvnw and ./muse: points JAVA_HOME at a JDK 25 or newer, or stops with one line saying what to install.
muse_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1; }
muse_find_jdk() {
  set +f  # runs in a $(subshell): mvnw's noglob stays as it was
  for candidate in "${MUSE_JAVA_HOME-}" "${JAVA_HOME-}" /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/* \
                   "$HOME"/.sdkman/candidates/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(muse_java_major "$candidate")
    case "$major" in ''|*[!0-9]*) continue ;; esac
    if [ "$major" -ge 25 ]; then printf '%s\n' "$candidate"; return 0; fi
  done
  return 1
}
MUSE_JDK=$(muse_find_jdk) || MUSE_JDK=
if [ -z "$MUSE_JDK" ]; then
  echo "muse: no JDK 25 found (looked at \$MUSE_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm): install Temurin JDK 25 (apt install temurin-25-jdk) or set JAVA_HOME to one." >&2
  exit 1
fi
JAVA_HOME=$MUSE_JDK
export JAVA_HOME
