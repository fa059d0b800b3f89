#!/usr/bin/env bash
# Builds the Corvus image from Debian packages alone, for machines that cannot reach a container
# registry (the Dockerfile's base images come from one): the same layout and flags as
# distribution/Dockerfile, made with Debian's OCI tools.
#
#   distribution/oci/build.sh [OUT]     (root; apt-get install mmdebstrap umoci runc)
#
#   1. mmdebstrap: a minimal Debian 12 root file system with iproute2 and iptables (for
#      `corvus node-local`), documentation and apt lists left out;
#   2. jlink: a Java runtime cut from this machine's JDK (JAVA_HOME, default Debian's 17) to the
#      modules the jars use, as the Dockerfile's runtime stage does, with its base CDS archive;
#   3. the built distribution (mvn -B -DskipTests package) at /opt/corvus, Netty's epoll library
#      in /opt/corvus/native;
#   4. the AppCDS archive trained inside the image by a real container run (runc, the image's
#      flags, the training Corefile, stopped with SIGTERM after 8 s), so its paths are the image's;
#   5. umoci: packed as an OCI image (OUT/oci, tag corvus) with the Dockerfile's ENV, user
#      65532, entrypoint and command.
# OUT defaults to /tmp/corvus-oci; distribution/oci/run.sh runs the image.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/corvus-oci}
DIST=$(ls -d "$PWD"/distribution/target/corvus-*/ | head -n1)
JDK=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
for tool in mmdebstrap umoci runc python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install mmdebstrap umoci runc)" >&2; exit 1; }
done
[ -x "$DIST/bin/corvus" ] || { echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1; }
mkdir -p "$OUT"
step() { echo "== $(date +%T) $*"; }

# The image's ENV (the Dockerfile's final stage), one source of truth.
image_env() {
  python3 - "$PWD/distribution/Dockerfile" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
final = text[text.rindex("\nFROM "):]
env = {}
for key in ("JAVA_HOME", "MALLOC_ARENA_MAX", "CORVUS_HEAP", "JAVA_OPTS"):
    m = re.search(key + r'=("([^"]*)"|(\S+))', final)
    env[key] = m.group(2) if m.group(2) is not None else m.group(3)
for key, value in env.items():
    print(f"{key}={value}")
EOF
}

if [ ! -s "$OUT/rootfs.tar" ]; then
  step "mmdebstrap: Debian 12 minbase + iproute2 iptables"
  mmdebstrap --variant=minbase --include=iproute2,iptables \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$OUT/rootfs.tar" http://deb.debian.org/debian
fi

step "umoci: new image"
rm -rf "$OUT/oci" "$OUT/bundle"
umoci init --layout "$OUT/oci"
umoci new --image "$OUT/oci:corvus"
umoci unpack --image "$OUT/oci:corvus" "$OUT/bundle" >/dev/null
ROOT="$OUT/bundle/rootfs"
tar -C "$ROOT" -xf "$OUT/rootfs.tar"

step "jlink: the modules the jars use, from $JDK"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for jar in "$DIST"/lib/*.jar; do
  dir="$work/jdeps/$(basename "$jar" .jar)"
  mkdir -p "$dir"
  (cd "$dir" && "$JDK/bin/jar" xf "$jar" && find . -name module-info.class -delete)
done
feature=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
modules="$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release "$feature" "$work"/jdeps/*),jdk.crypto.ec"
echo "modules: $modules"
"$JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --generate-cds-archive --output "$ROOT/opt/java"

step "the distribution at /opt/corvus"
cp -a "$DIST" "$ROOT/opt/corvus"
rm -rf "$ROOT/opt/corvus/cds"
mkdir -p "$ROOT/opt/corvus/native" "$ROOT/opt/corvus/cds" "$work/native"
(cd "$work/native" && "$JDK/bin/jar" xf "$DIST"/lib/netty-transport-native-epoll-*-linux-x86_64.jar META-INF/native)
cp "$work"/native/META-INF/native/*.so "$ROOT/opt/corvus/native/"
mkdir -p "$ROOT/tmp/train"
cp distribution/src/main/docker/cds-training/Corefile "$ROOT/tmp/train/Corefile"

step "AppCDS training inside the image (runc, SIGTERM after 8 s)"
mapfile -t env_lines < <(image_env)
python3 - "$OUT/bundle/config.json" "${env_lines[@]}" <<'EOF'
import json, sys
path, env = sys.argv[1], sys.argv[2:]
config = json.load(open(path))
env = dict(line.split("=", 1) for line in env)
env["JAVA_OPTS"] = env["JAVA_OPTS"].replace("-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=")
process = config["process"]
process["args"] = ["/opt/corvus/bin/corvus", "-conf", "/tmp/train/Corefile"]
process["env"] = ["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + [f"{k}={v}" for k, v in env.items()]
process["terminal"] = False
process.pop("rlimits", None)  # this sandbox may not raise limits (no CAP_SYS_RESOURCE)
process["user"] = {"uid": 0, "gid": 0}
config["root"]["readonly"] = False
# the host's network (the training Corefile binds 127.0.0.1 only and reaches nothing)
config["linux"]["namespaces"] = [n for n in config["linux"]["namespaces"] if n["type"] != "network"]
json.dump(config, open(path, "w"), indent=2)
EOF
runc run --bundle "$OUT/bundle" corvus-train > "$OUT/training.log" 2>&1 &
runner=$!
sleep 8
runc kill corvus-train TERM || true
wait "$runner" || true
runc delete -f corvus-train >/dev/null 2>&1 || true
test -s "$ROOT/opt/corvus/cds/corvus.jsa" || { cat "$OUT/training.log"; echo "no archive trained" >&2; exit 1; }
ls -la "$ROOT/opt/corvus/cds/corvus.jsa"
rm -rf "$ROOT/tmp/train"

step "umoci: repack and configure"
umoci repack --image "$OUT/oci:corvus" "$OUT/bundle"
config_args=()
for line in "${env_lines[@]}"; do config_args+=(--config.env="$line"); done
config_args+=(--config.env="PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
umoci config --image "$OUT/oci:corvus" "${config_args[@]}" \
  --config.user=65532:65532 --config.workingdir=/opt/corvus \
  --config.entrypoint=/opt/corvus/bin/corvus --config.cmd=-conf --config.cmd=/etc/coredns/Corefile \
  --config.exposedports=53/udp --config.exposedports=53/tcp --config.exposedports=8080/tcp \
  --config.exposedports=8181/tcp --config.exposedports=9153/tcp
umoci gc --layout "$OUT/oci"
echo "root file system (unpacked): $(du -sh "$ROOT" | cut -f1), of it /opt/java $(du -sh "$ROOT/opt/java" | cut -f1), /opt/corvus $(du -sh "$ROOT/opt/corvus" | cut -f1)"
rm -rf "$OUT/bundle"
step "image $OUT/oci:corvus"
umoci stat --image "$OUT/oci:corvus" | head -n 5
echo "OCI layout on disk (compressed layers): $(du -sh "$OUT/oci" | cut -f1)"
