lab "bad-names" {}
node "Web" {}
node "x-" {}
node "srv" {
  for_each = toset(["ok", "Bad_Key"])
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 2:6 Invalid node name
# error: 3:6 Invalid node name
# error: 5:14 Invalid node name
