# expect: Goal without checks @ 6:1 ~ "g" needs at least one check
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  points = 5
}
