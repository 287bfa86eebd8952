// What java.util.regex gives for each pattern and input of the corpus: compile errors, Pattern.matches (what
// cloudwatch_exporter applies to aws_dimension_select_regex) and Matcher.find with every group (what it applies to
// arn_resource_id_regexp). Run by scripts/java-regex-fixture/generate.py; never shipped.
//
// Input lines (UTF-8 as hex, so any string survives): "P <pattern>" then "I <input>" lines for that pattern.
// Output lines: "P OK", "P ERR <description>", "I <matches 0|1> <found 0|1> [<group or -> ...]".
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public final class JavaRegexOracle {
    private static final HexFormat HEX = HexFormat.of();

    private static String decode(String hex) {
        return new String(HEX.parseHex(hex), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return text.isEmpty() ? "" : HEX.formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        Pattern pattern = null;
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split(" ", -1);
            if (parts[0].equals("P")) {
                try {
                    pattern = Pattern.compile(decode(parts[1]));
                    out.append("P OK\n");
                } catch (PatternSyntaxException e) {
                    pattern = null;
                    out.append("P ERR ").append(encode(e.getDescription())).append('\n');
                }
            } else if (parts[0].equals("I")) {
                if (pattern == null) {
                    out.append("I\n");
                    continue;
                }
                String input = decode(parts[1]);
                boolean matches = pattern.matcher(input).matches();
                Matcher finder = pattern.matcher(input);
                boolean found = finder.find();
                out.append("I ").append(matches ? '1' : '0').append(' ').append(found ? '1' : '0');
                if (found) {
                    for (int group = 0; group <= finder.groupCount(); group++) {
                        String value = finder.group(group);
                        // "-" for a group that did not take part; "=" prefixes a value so that "" stays visible.
                        out.append(' ').append(value == null ? "-" : "=" + encode(value));
                    }
                }
                out.append('\n');
            }
        }
        System.out.print(out);
    }
}
