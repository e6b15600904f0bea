<!DOCTYPE html>
<html>
<head><title>Welcome</title></head>
<body>
<h1>Welcome</h1>
<p>If you can read this from the client, packets cross the router between
the office and the servers network (${network}).</p>
</body>
</html>
