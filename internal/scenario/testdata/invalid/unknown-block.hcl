# expect: Unsupported block type @ 6:1 ~ Did you mean "goal"?
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
gaol "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
