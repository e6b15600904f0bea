# expect: Unknown node @ 8:10 ~ Did you mean "client"?
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  check "ping" {
    on = "clinet"
    host = "10.0.0.1"
  }
}
