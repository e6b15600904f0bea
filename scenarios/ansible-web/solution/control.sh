#!/bin/sh
# Reference solution: an inventory, a playbook with two templates, and one
# run of it from control. Idempotent: the files are rewritten as they are
# and a second run of the playbook changes nothing.
set -eu
mkdir -p /root/site/templates
cd /root/site

cat >inventory <<'INV'
[webservers]
web-1
web-2
web-3

[webservers:vars]
ansible_user=root
ansible_python_interpreter=/usr/bin/python3
INV

cat >site.yml <<'YML'
---
- name: Configure the web servers
  hosts: webservers
  vars:
    docroot: /srv/www/site
  tasks:
    - name: nginx is installed
      ansible.builtin.apt:
        name: nginx-light
        state: present

    - name: Group webops exists
      ansible.builtin.group:
        name: webops
        state: present

    - name: User deploy exists and is in webops
      ansible.builtin.user:
        name: deploy
        groups: webops
        append: true
        shell: /bin/bash
        create_home: true

    - name: Document root
      ansible.builtin.file:
        path: "{{ docroot }}"
        state: directory
        owner: deploy
        group: webops
        mode: "0755"

    - name: Start page names the host
      ansible.builtin.template:
        src: templates/index.html.j2
        dest: "{{ docroot }}/index.html"
        owner: deploy
        group: webops
        mode: "0644"

    - name: Site configuration
      ansible.builtin.template:
        src: templates/site.conf.j2
        dest: /etc/nginx/sites-available/site
        mode: "0644"
      notify: Reload nginx

    - name: Site enabled
      ansible.builtin.file:
        src: /etc/nginx/sites-available/site
        dest: /etc/nginx/sites-enabled/site
        state: link
      notify: Reload nginx

    - name: Default site disabled
      ansible.builtin.file:
        path: /etc/nginx/sites-enabled/default
        state: absent
      notify: Reload nginx

    - name: nginx is running and enabled
      ansible.builtin.service:
        name: nginx
        state: started
        enabled: true

  handlers:
    - name: Reload nginx
      ansible.builtin.service:
        name: nginx
        state: reloaded
YML

cat >templates/index.html.j2 <<'TPL'
<!DOCTYPE html>
<html>
<head><title>{{ inventory_hostname }}</title></head>
<body>
<h1>{{ inventory_hostname }}</h1>
<p>Managed by Ansible.</p>
</body>
</html>
TPL

cat >templates/site.conf.j2 <<'TPL'
# Managed by Ansible: local changes are overwritten.
server {
    listen 80 default_server;
    server_name _;
    root {{ docroot }};
    index index.html;
    server_tokens off;
}
TPL

ansible-playbook -i inventory site.yml
