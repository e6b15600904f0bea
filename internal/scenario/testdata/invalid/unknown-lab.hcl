# expect: Cannot load lab @ 3:9 ~ no such lab
scenario "t" {
  lab = "nowhere"
  track = "network"
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
