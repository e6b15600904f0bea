lab "count" {}
node "aa" {
  count = -1
}
node "bb" {
  count = 1001
}
node "cc" {
  count    = 2
  for_each = toset(["x"])
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:11 Invalid count
# error: 6:11 Invalid count
# error: 10:3 Conflicting count and for_each
