# expect: Unknown check type @ 7:9 ~ Did you mean "ping"?
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  check "pign" {
    on = "client"
    host = "10.0.0.1"
  }
}
