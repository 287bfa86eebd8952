// Placeholder entry point; replaced by the ArgumentParser command.
print("cloudwatch-tag-exporter")
