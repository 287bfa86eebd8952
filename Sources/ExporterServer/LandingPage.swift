import CloudWatchCollector

/// The page at `/`: upstream's title and metrics link, plus the version and the other endpoints.
enum LandingPage {
    static let html: String = """
        <html>
        <head><title>CloudWatch Exporter</title></head>
        <body>
        <h1>CloudWatch Exporter</h1>
        <p>cloudwatch-tag-exporter \(BuildInfo.summary)</p>
        <p><a href="/metrics">Metrics</a></p>
        <ul>
        <li><a href="/-/healthy">/-/healthy</a></li>
        <li><a href="/-/ready">/-/ready</a></li>
        <li>POST /-/reload reloads the configuration</li>
        </ul>
        </body>
        </html>
        """
}
