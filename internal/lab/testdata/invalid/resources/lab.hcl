lab "resources" {}
node "aa" {
  cpus   = 0
  memory = "lots"
}
node "bb" {
  memory = "1k"
  cpus   = "two"
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:12 Invalid cpus
# error: 4:12 Invalid memory
# error: 7:12 Invalid memory
# error: 8:12 Incorrect attribute value type
