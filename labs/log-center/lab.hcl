# Central logging: a log server and two servers on one LAN, plus a vendor
# network on the log server's second leg (a source that must not be
# accepted). Nodes run an image variant with rsyslog and logrotate.

lab "log-center" {
  title       = "A log server, two servers and a vendor network"
  description = <<-EOT
    The server LAN 10.70.0.0/24 holds the log server "loghost" (10.70.0.10)
    and two servers, "web" (10.70.0.21) and "db" (10.70.0.22). loghost has
    a second leg on the vendor network 10.70.9.0/24 (10.70.9.10), where a
    vendor's maintenance box "vendor" (10.70.9.50) sits. rsyslog runs on
    loghost, web and db; logrotate is installed; nothing is forwarded yet.
  EOT
}

# Debian's rsyslog-rotate (logrotate's postrotate for rsyslog) signals
# rsyslog through invoke-rc.d, which refuses every action when it finds
# no init system and no policy; allow them, as on a server.
defaults {
  file "/usr/sbin/policy-rc.d" {
    content = "#!/bin/sh\n# Allow invoke-rc.d actions (nodes have no init system).\nexit 0\n"
    mode    = "0755"
  }
}

network "lan" {
  title  = "Server LAN"
  subnet = "10.70.0.0/24"
}

network "vendor" {
  title  = "Vendor network"
  subnet = "10.70.9.0/24"
}

node "loghost" {
  title    = "Log server"
  packages = ["logrotate", "orphan-sysvinit-scripts", "rsyslog"]
  services = ["rsyslog"]
  interface "lan" {
    address = "10.70.0.10/24"
  }
  interface "vendor" {
    address = "10.70.9.10/24"
  }
}

node "web" {
  title    = "Web server"
  packages = ["logrotate", "orphan-sysvinit-scripts", "rsyslog"]
  services = ["rsyslog", "nginx"]
  interface "lan" {
    address = "10.70.0.21/24"
  }
}

node "db" {
  title    = "Database server"
  packages = ["logrotate", "orphan-sysvinit-scripts", "rsyslog"]
  services = ["rsyslog"]
  interface "lan" {
    address = "10.70.0.22/24"
  }
}

node "vendor" {
  title = "Vendor maintenance box"
  interface "vendor" {
    address = "10.70.9.50/24"
  }
}
