# expect: Unsupported argument @ 9:5 ~ Did you mean "host"?
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  check "ping" {
    on = "client"
    hots = "10.0.0.1"
  }
}
