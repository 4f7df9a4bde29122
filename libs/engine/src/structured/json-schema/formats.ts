import { alt, cls, DIGIT, digits, type Expr, lit, opt, rep, seq } from './ebnf';

/**
 * String formats written exactly as ajv-formats checks them (its "full" mode, RFC 3339 dates with real month lengths
 * and leap years), and within its "fast" mode too. The text is ASCII without `"` or `\`, so the JSON string holds it
 * as is. Lengths: the shortest and longest text of each format (time fractions are limited to 9 digits, email
 * domain labels to 63 characters as DNS does); undefined = unbounded.
 */

const hex = cls([
  [0x30, 0x39],
  [0x41, 0x46],
  [0x61, 0x66],
]);
const two = (first: Expr): Expr => seq(first, DIGIT);
/** One of the given ASCII characters. */
const oneOf = (chars: string): Expr => cls(Array.from(chars, (c): [number, number] => [c.charCodeAt(0), c.charCodeAt(0)]));

function date(): Expr {
  const day28 = alt(seq(lit('0'), digits(1, 9)), seq(lit('1'), DIGIT), seq(lit('2'), digits(0, 8)));
  const day30 = alt(day28, lit('29'), lit('30'));
  const day31 = alt(day30, lit('31'));
  const month31 = alt(seq(lit('0'), oneOf('13578')), lit('10'), lit('12'));
  const month30 = alt(seq(lit('0'), oneOf('469')), lit('11'));
  // Two digits that are a multiple of 4 (00 included).
  const multipleOf4 = alt(seq(oneOf('02468'), oneOf('048')), seq(oneOf('13579'), oneOf('26')));
  // Divisible by 4 and not by 100 (last two digits a multiple of 4 but not 00), or by 400 (NN00, NN a multiple of 4).
  const leapYear = alt(
    seq(DIGIT, DIGIT, alt(seq(lit('0'), oneOf('48')), seq(oneOf('2468'), oneOf('048')), seq(oneOf('13579'), oneOf('26')))),
    seq(multipleOf4, lit('00')),
  );
  return alt(
    seq(rep(DIGIT, 4, 4), lit('-'), alt(seq(month31, lit('-'), day31), seq(month30, lit('-'), day30), seq(lit('02-'), day28))),
    seq(leapYear, lit('-02-29')),
  );
}

function time(): Expr {
  const hour = alt(two(digits(0, 1)), seq(lit('2'), digits(0, 3)));
  const sixty = two(digits(0, 5));
  const fraction = opt(seq(lit('.'), rep(DIGIT, 1, 9)));
  const offset = alt(lit('Z'), seq(alt(lit('+'), lit('-')), hour, lit(':'), sixty));
  return seq(hour, lit(':'), sixty, lit(':'), sixty, fraction, offset);
}

function uuid(): Expr {
  const group = (n: number): Expr => rep(hex, n, n);
  return seq(group(8), lit('-'), group(4), lit('-'), group(4), lit('-'), group(4), lit('-'), group(12));
}

function ipv4(): Expr {
  const octet = alt(
    seq(lit('25'), digits(0, 5)),
    seq(lit('2'), digits(0, 4), DIGIT),
    seq(lit('1'), DIGIT, DIGIT),
    seq(digits(1, 9), DIGIT),
    DIGIT,
  );
  return seq(octet, lit('.'), octet, lit('.'), octet, lit('.'), octet);
}

function email(): Expr {
  const alnum = cls([
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ]);
  // RFC 5322 atext: letters, digits and !#$%&'*+/=?^_`{|}~-
  const atext = cls([
    [0x21, 0x21],
    [0x23, 0x27],
    [0x2a, 0x2b],
    [0x2d, 0x2d],
    [0x2f, 0x39],
    [0x3d, 0x3d],
    [0x3f, 0x3f],
    [0x41, 0x5a],
    [0x5e, 0x7e],
  ]);
  const word = rep(atext, 1, undefined);
  const label = seq(
    alnum,
    opt(
      seq(
        rep(
          cls([
            [0x2d, 0x2d],
            [0x30, 0x39],
            [0x41, 0x5a],
            [0x61, 0x7a],
          ]),
          0,
          61,
        ),
        alnum,
      ),
    ),
  );
  return seq(word, rep(seq(lit('.'), word), 0, undefined), lit('@'), rep(seq(label, lit('.')), 1, undefined), label);
}

export const FORMATS: Record<string, { grammar: () => Expr; length: [number, number | undefined] }> = {
  date: { grammar: date, length: [10, 10] },
  time: { grammar: time, length: [9, 24] },
  'date-time': { grammar: () => seq(date(), lit('T'), time()), length: [20, 35] },
  uuid: { grammar: uuid, length: [36, 36] },
  ipv4: { grammar: ipv4, length: [7, 15] },
  email: { grammar: email, length: [5, undefined] },
};
