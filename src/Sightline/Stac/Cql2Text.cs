using System.Globalization;
using System.Text;

namespace Sightline.Stac;

/// <summary>
/// Reads CQL2-text by recursive descent: <c>a OR b</c>, <c>a AND b</c>, <c>NOT a</c>, <c>( … )</c>,
/// <c>prop op literal</c>, <c>prop [NOT] IN (…)</c>, <c>prop IS [NOT] NULL</c>, the temporal functions such as
/// <c>T_AFTER(prop, TIMESTAMP('…'))</c> and <c>T_DURING(prop, INTERVAL('…', '…'))</c>. Keywords in any case; properties bare or in double quotes.
/// </summary>
internal sealed class Cql2Text(string text)
{
    private enum Kind { Word, Quoted, Text, Number, Symbol, End }

    private readonly record struct Token(Kind Kind, string Value);

    private readonly List<Token> tokens = Tokenize(text);
    private int position;

    public Cql2 ParseAll()
    {
        var expression = Or();
        if (Peek.Kind != Kind.End)
            throw Cql2.Invalid($"has '{Peek.Value}' where the expression should end");
        return expression;
    }

    private Token Peek => tokens[position];

    private Token Next() => tokens[position++];

    private bool TakeWord(string word)
    {
        if (Peek.Kind == Kind.Word && Peek.Value.Equals(word, StringComparison.OrdinalIgnoreCase))
        {
            position++;
            return true;
        }
        return false;
    }

    private void Expect(string symbol)
    {
        var token = Next();
        if (token.Kind != Kind.Symbol || token.Value != symbol)
            throw Cql2.Invalid($"expects '{symbol}' where it has '{(token.Kind == Kind.End ? "the end" : token.Value)}'");
    }

    private Cql2 Or()
    {
        var parts = new List<Cql2> { And() };
        while (TakeWord("OR"))
            parts.Add(And());
        return parts.Count == 1 ? parts[0] : new Cql2.Any(parts);
    }

    private Cql2 And()
    {
        var parts = new List<Cql2> { Unary() };
        while (TakeWord("AND"))
            parts.Add(Unary());
        return parts.Count == 1 ? parts[0] : new Cql2.All(parts);
    }

    private Cql2 Unary()
    {
        if (TakeWord("NOT"))
            return new Cql2.Not(Unary());
        if (Peek is { Kind: Kind.Symbol, Value: "(" })
        {
            position++;
            var inner = Or();
            Expect(")");
            return inner;
        }
        if (Peek.Kind == Kind.Word && Cql2.TemporalFunctions.Contains(Peek.Value.ToLowerInvariant()))
            return TemporalFunction(Next().Value.ToLowerInvariant());
        return Predicate();
    }

    private Cql2 TemporalFunction(string op)
    {
        Expect("(");
        var property = Property();
        if (!Cql2.IsTime(property))
            throw Cql2.Invalid($"applies {op.ToUpperInvariant()} to {property}, which is not a time");
        Expect(",");
        Cql2 result;
        if (TakeWord("INTERVAL"))
        {
            Expect("(");
            var from = IntervalEnd(property);
            Expect(",");
            var to = IntervalEnd(property);
            Expect(")");
            result = new Cql2.Temporal(op, property, from?.First, to?.Last);
        }
        else
        {
            var (first, last) = Literal().AsPeriod(property);
            result = new Cql2.Temporal(op, property, first, last);
        }
        Expect(")");
        return result;
    }

    private (long First, long Last)? IntervalEnd(string property)
    {
        var value = Literal();
        return value.Text == ".." ? null : value.AsPeriod(property);
    }

    private Cql2 Predicate()
    {
        var property = Property();
        if (TakeWord("IS"))
        {
            var negated = TakeWord("NOT");
            if (!TakeWord("NULL"))
                throw Cql2.Invalid("expects NULL after IS");
            Cql2 isNull = new Cql2.IsNull(property);
            return negated ? new Cql2.Not(isNull) : isNull;
        }
        var notIn = TakeWord("NOT");
        if (TakeWord("BETWEEN"))
        {
            var low = Literal();
            if (!TakeWord("AND"))
                throw Cql2.Invalid("expects AND between the two ends of BETWEEN");
            var between = Cql2.Between(property, low, Literal());
            return notIn ? new Cql2.Not(between) : between;
        }
        if (TakeWord("LIKE"))
        {
            var pattern = Literal();
            Cql2 like = Cql2.LikeOf(property, pattern);
            return notIn ? new Cql2.Not(like) : like;
        }
        if (TakeWord("IN"))
        {
            Expect("(");
            var values = new List<Cql2Value> { Literal() };
            while (Peek is { Kind: Kind.Symbol, Value: "," })
            {
                position++;
                values.Add(Literal());
            }
            Expect(")");
            Cql2 inList = new Cql2.In(property, values);
            return notIn ? new Cql2.Not(inList) : inList;
        }
        if (notIn)
            throw Cql2.Invalid("expects IN, LIKE or BETWEEN after NOT");
        var op = Next();
        if (op.Kind != Kind.Symbol || op.Value is not ("=" or "<>" or "<" or "<=" or ">" or ">="))
            throw Cql2.Invalid($"expects a comparison (=, <>, <, <=, >, >=) after {property}");
        return new Cql2.Compare(property, op.Value, Literal());
    }

    private string Property()
    {
        var token = Next();
        return token.Kind is Kind.Word or Kind.Quoted
            ? Cql2.Queryable(token.Value)
            : throw Cql2.Invalid($"expects a property name where it has '{(token.Kind == Kind.End ? "the end" : token.Value)}'");
    }

    private Cql2Value Literal()
    {
        var token = Next();
        switch (token.Kind)
        {
            case Kind.Number:
                return Cql2Value.Of(double.Parse(token.Value, CultureInfo.InvariantCulture));
            case Kind.Text:
                return Cql2Value.Of(token.Value);
            case Kind.Word when token.Value.ToUpperInvariant() is "TIMESTAMP" or "DATE":
            {
                Expect("(");
                var inner = Next();
                if (inner.Kind != Kind.Text)
                    throw Cql2.Invalid($"{token.Value.ToUpperInvariant()} takes a quoted time");
                Expect(")");
                if (token.Value.ToUpperInvariant() == "DATE")
                    return Cql2Value.Date(inner.Value);
                return Cql2Value.At(Cql2.ParseInstant(inner.Value)
                    ?? throw Cql2.Invalid($"has a {token.Value.ToUpperInvariant()} that is not RFC 3339: {inner.Value}"));
            }
            default:
                throw Cql2.Invalid($"expects a value where it has '{(token.Kind == Kind.End ? "the end" : token.Value)}'");
        }
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '\'' or '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw Cql2.Invalid("has a quote that is never closed");
                    if (text[i] == c)
                    {
                        if (i + 1 < text.Length && text[i + 1] == c)
                        {
                            value.Append(c);
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.Append(text[i++]);
                }
                tokens.Add(new Token(c == '\'' ? Kind.Text : Kind.Quoted, value.ToString()));
            }
            else if (char.IsAsciiDigit(c) || (c is '-' or '+' or '.' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '.' or 'e' or 'E'
                           || (text[i] is '-' or '+' && text[i - 1] is 'e' or 'E')))
                    i++;
                var number = text[start..i];
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed))
                    throw Cql2.Invalid($"has '{number}', which is not a number");
                tokens.Add(new Token(Kind.Number, number));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or ':' or '.'))
                    i++;
                tokens.Add(new Token(Kind.Word, text[start..i]));
            }
            else if (c is '<' or '>')
            {
                var two = i + 1 < text.Length && (text[i + 1] == '=' || (c == '<' && text[i + 1] == '>'));
                tokens.Add(new Token(Kind.Symbol, two ? text.Substring(i, 2) : c.ToString()));
                i += two ? 2 : 1;
            }
            else if (c is '=' or '(' or ')' or ',')
            {
                tokens.Add(new Token(Kind.Symbol, c.ToString()));
                i++;
            }
            else
            {
                throw Cql2.Invalid($"has the character '{c}', which CQL2-text does not use here");
            }
        }
        tokens.Add(new Token(Kind.End, ""));
        return tokens;
    }
}
