lab "for-each-list" {}
node "srv" {
  for_each = ["a", "b"]
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:14 Invalid for_each argument
