# A monitoring server and two web servers on one LAN: Prometheus scraping
# node exporters, alert rules. Used by the operations track.

lab "monitoring" {
  title       = "A Prometheus server and two web servers"
  description = <<-EOT
    "mon" (10.90.0.5) has Prometheus installed (Debian's package, running
    with its sample configuration, web UI and API on port 9090). The web
    servers web-1 (10.90.0.11) and web-2 (10.90.0.12) run nginx and have
    Prometheus's node exporter installed (service
    prometheus-node-exporter, port 9100). All three are on the LAN
    10.90.0.0/24 and reach each other by name. There is no systemd: use
    `service NAME start|stop|restart|status`.
  EOT
}

network "lan" {
  title  = "Server LAN"
  subnet = "10.90.0.0/24"
}

defaults {
  memory = "256m"
  file "/etc/motd" {
    content = file("files/motd")
  }
}

node "mon" {
  title    = "Monitoring server (Prometheus)"
  memory   = "384m"
  packages = ["prometheus"]
  services = ["prometheus"]
  interface "lan" {
    address = "10.90.0.5/24"
  }
  file "/etc/init.d/prometheus" {
    content = file("files/prometheus.init")
    mode    = "0755"
  }
}

node "web" {
  count    = 2
  title    = "Web server ${count.index + 1}"
  packages = ["prometheus-node-exporter"]
  services = ["nginx"]
  interface "lan" {
    address = "10.90.0.${11 + count.index}/24"
  }
  file "/etc/init.d/prometheus-node-exporter" {
    content = file("files/prometheus-node-exporter.init")
    mode    = "0755"
  }
  file "/var/www/html/index.html" {
    content = "<h1>Served by web-${count.index + 1}</h1>\n"
  }
}
