# expect: No goals @ 2:1 ~ at least one goal
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
setup "router" { script = "true" }
