// Foundation also declares a `Dimension` (units of measure), so files that import Foundation cannot name the
// CloudWatch one. This file imports only AWSClient and gives it an unambiguous name.
public import AWSServices

/// A CloudWatch dimension (name and value).
public typealias MetricDimension = Dimension
