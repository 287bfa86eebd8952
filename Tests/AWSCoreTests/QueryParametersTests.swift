import AWSCore
import Foundation
import Testing

@Suite struct QueryParametersTests {
    @Test func flattensListsMapsBooleansAndTimestamps() {
        var parameters = QueryParameters()
        parameters.set("Namespace", "AWS/ELB")
        parameters.setList("Statistics", ["Average", "Maximum"])
        parameters.setList("Empty", [])
        parameters.setList("Dimensions", [("LoadBalancerName", "web classic")]) { prefix, dimension, parameters in
            parameters.set("\(prefix).Name", dimension.0)
            parameters.set("\(prefix).Value", dimension.1)
        }
        parameters.setMap("Attributes", ["b": "2", "a": "1"])
        parameters.set("Flag", true)
        parameters.set("StartTime", Date(timeIntervalSince1970: 1_795_532_400))
        let body = parameters.formBody(action: "GetMetricStatistics", version: "2010-08-01")
        #expect(
            body
                == "Action=GetMetricStatistics&Version=2010-08-01&Namespace=AWS%2FELB&Statistics.member.1=Average"
                + "&Statistics.member.2=Maximum&Empty=&Dimensions.member.1.Name=LoadBalancerName"
                + "&Dimensions.member.1.Value=web%20classic&Attributes.entry.1.key=a&Attributes.entry.1.value=1"
                + "&Attributes.entry.2.key=b&Attributes.entry.2.value=2&Flag=true&StartTime=2026-11-24T15%3A00%3A00Z"
        )
    }

    @Test func percentEncodesEverythingOutsideTheUnreservedSet() {
        #expect(FormEncoding.encode("a-b_c.d~e f+g&h=i/é") == "a-b_c.d~e%20f%2Bg%26h%3Di%2F%C3%A9")
        let decoded = FormEncoding.decode("a=x+y%2Fz&b=&c")
        #expect(
            decoded == [
                QueryPair(name: "a", value: "x y/z"), QueryPair(name: "b", value: ""), QueryPair(name: "c", value: ""),
            ]
        )
    }
}
