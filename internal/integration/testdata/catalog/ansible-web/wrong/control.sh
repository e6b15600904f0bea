#!/bin/sh
# A plausible wrong solution: the end state is right after one run, but
# the page is written by shell tasks (echo > and >>) that run again, and
# append, on every run. --check reports them as "Command would have run":
# only the idempotence goal fails.
set -eu
mkdir -p /root/site
cd /root/site

cat >inventory <<'INV'
[webservers]
web-1 ansible_user=root
web-2 ansible_user=root
web-3 ansible_user=root
INV

cat >site.yml <<'YML'
- hosts: webservers
  tasks:
    - ansible.builtin.group:
        name: webops
    - ansible.builtin.user:
        name: deploy
        groups: webops
        shell: /bin/bash

    - name: Page
      ansible.builtin.shell: |
        mkdir -p /srv/www/site
        echo "<h1>{{ inventory_hostname }}</h1>" > /srv/www/site/index.html
        echo "<p>Managed by Ansible.</p>" >> /srv/www/site/index.html
        chown deploy:webops /srv/www/site/index.html
        chmod 0644 /srv/www/site/index.html

    - name: Site
      ansible.builtin.copy:
        dest: /etc/nginx/sites-enabled/default
        content: |
          server {
              listen 80 default_server;
              root /srv/www/site;
              server_tokens off;
          }

    - name: nginx
      ansible.builtin.service:
        name: nginx
        state: started
YML

ansible-playbook -i inventory site.yml
