lab "unknown-attr" {}
node "aa" {
  colour = "blue"
}
widget "x" {}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:3 Unsupported argument
# error: 5:1 Unsupported block type
