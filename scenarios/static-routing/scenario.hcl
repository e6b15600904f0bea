scenario "static-routing" {
  title   = "Join two subnets with a Linux router"
  lab     = "two-subnets"
  track   = "network"
  level   = 1
  minutes = 30
  pass    = 70
  brief   = file("BRIEF.md")
}

# The router starts with forwarding off and the web server stopped.
setup "router" { script = file("setup/router.sh") }
setup "web" { script = file("setup/web.sh") }

goal "forwarding" {
  title  = "The router forwards IPv4"
  points = 20
  hints  = ["Which kernel parameter decides whether Linux passes packets between interfaces?",
            "sysctl -w net.ipv4.ip_forward=1 (and write it to /etc/sysctl.d/ to keep it across reboots)"]
  check "sysctl" {
    on    = "router"
    key   = "net.ipv4.ip_forward"
    value = "1"
  }
}

goal "web-serves" {
  title  = "The web server answers on port 80"
  points = 20
  within = "10s"
  hints  = ["nginx is installed on web but not running; there is no systemd.",
            "service nginx start"]
  check "service" {
    on   = "web"
    name = "nginx"
  }
  check "port" {
    on   = "web"
    port = 80
  }
}

goal "client-routes" {
  title  = "Both ends know the way through the router"
  points = 10
  hints  = ["ip route show on client and on web.",
            "ip route add 10.10.2.0/24 via 10.10.1.1 (on client); ip route add 10.10.1.0/24 via 10.10.2.1 (on web)"]
  check "route" {
    on          = "client"
    destination = "10.10.2.0/24"
    via         = "10.10.1.1"
    dev         = "eth1"
  }
  check "route" {
    on          = "web"
    destination = "10.10.1.0/24"
    via         = "10.10.2.1"
  }
}

goal "client-pings-web" {
  title  = "client reaches web with ping"
  points = 15
  needs  = ["forwarding", "client-routes"]
  within = "10s"
  hints  = ["If ping fails, run tcpdump -ni any icmp on the router and see where the packets stop."]
  check "ping" {
    on   = "client"
    host = "10.10.2.10"
  }
}

goal "client-reaches-web" {
  title  = "client loads the web page through the router"
  points = 25
  needs  = ["forwarding", "web-serves"]
  within = "20s"
  hints  = ["curl -v http://10.10.2.10/ from client shows where it stops."]
  check "http" {
    on       = "client"
    url      = "http://10.10.2.10/"
    status   = 200
    contains = "Welcome"
  }
}

goal "no-telnet" {
  title  = "No telnet service is reachable on web"
  points = 10
  hints  = ["Only the services you need should listen: nothing on port 23."]
  check "tcp" {
    on     = "client"
    host   = "10.10.2.10"
    port   = 23
    expect = "closed"
  }
}

solution "router" { script = file("solution/router.sh") }
solution "web" { script = file("solution/web.sh") }
