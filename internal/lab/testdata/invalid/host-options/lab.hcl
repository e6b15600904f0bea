lab "host-options" {}
node "aa" {
  privileged   = true
  capabilities = ["SYS_ADMIN"]
  host_network = true
  bind "/srv/data" {
    target = "/data"
  }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:18 Privileged mode is not allowed
# error: 4:18 Extra capabilities are not allowed
# error: 5:18 Host networking is not allowed
# error: 6:3 Bind mounts are not allowed
