// Prints the README's Athena examples with their output over the bundled fixtures' archive
// (computed with the test suite's Hive JSON SerDe reader; test/archive/athenaReadme.test.ts checks the README).
import { athenaReadmeExamples } from '../test/support/athenaReadmeExamples.js';

process.stdout.write(`${await athenaReadmeExamples()}\n`);
