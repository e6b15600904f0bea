<!DOCTYPE html>
<html>
<head><title>web-${n}</title></head>
<body>
<h1>Served by web-${n}</h1>
<p>The database is at ${db}.</p>
</body>
</html>
