# What the server asks app for when shop_app connects to shop: the first
# authentication request of the PostgreSQL protocol (SSL negotiated first
# when the server offers it, as psql does). Prints "sasl: MECHANISMS",
# "md5", "password (cleartext)", "trust (no password asked)" or the
# server's error.
python3 - <<'PY'
import socket, ssl, struct, sys
try:
    s = socket.create_connection(("10.80.0.20", 5432), 5)
except OSError as e:
    sys.exit("cannot connect to 10.80.0.20:5432: %s" % e)
s.sendall(struct.pack("!ii", 8, 80877103))  # SSLRequest
if s.recv(1) == b"S":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s)
body = struct.pack("!i", 196608) + b"user\0shop_app\0database\0shop\0\0"
s.sendall(struct.pack("!i", len(body) + 4) + body)
def read(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit("the server closed the connection")
        b += c
    return b
kind = read(1)
n = struct.unpack("!i", read(4))[0]
msg = read(n - 4)
if kind == b"E":
    fields = dict((f[:1], f[1:]) for f in msg.split(b"\0") if f)
    print("error: " + fields.get(b"M", b"?").decode(errors="replace"))
    sys.exit(1)
if kind != b"R":
    sys.exit("unexpected message %r" % kind)
code = struct.unpack("!i", msg[:4])[0]
names = {0: "trust (no password asked)", 3: "password (cleartext)", 5: "md5"}
if code == 10:
    print("sasl: " + ",".join(m.decode() for m in msg[4:].split(b"\0") if m))
else:
    print(names.get(code, "authentication request %d" % code))
PY
