# expect: Unknown track @ 4:11 ~ Did you mean "network"?
scenario "t" {
  lab = "two-subnets"
  track = "netwrok"
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
