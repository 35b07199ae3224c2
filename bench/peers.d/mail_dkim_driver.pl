#!/usr/bin/perl
# bench/peers driver for Mail::DKIM (libmail-dkim-perl): verifies every DKIM signature of every
# message of a shard of MESSAGES with DNS answers from the local NSD, memoized per name and type.
# Prints one line per message: index TAB per-signature results (pass/fail/...), header order.
use strict;
use warnings;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my ($path, $port, $shard, $nshards) = @ARGV;

# Mail::DKIM::DNS::query calls $resolver->send($name, $type); this wrapper answers repeats from
# a hash so that only the first question for a key goes to the server.
package MemoResolver;
sub new { my ($class, $inner) = @_; return bless { inner => $inner, memo => {} }, $class; }
sub send {
  my ($self, $name, $type) = @_;
  my $key = lc("$name/$type");
  $self->{memo}{$key} = $self->{inner}->send($name, $type) unless exists $self->{memo}{$key};
  return $self->{memo}{$key};
}
sub errorstring { my $self = shift; return $self->{inner}->errorstring; }
package main;

my $inner = Net::DNS::Resolver->new(nameservers => ['127.0.0.1'], port => $port, recurse => 1,
                                    udppacketsize => 1232);
Mail::DKIM::DNS::resolver(MemoResolver->new($inner));

open(my $in, '<:raw', $path) or die "$path: $!";
my $index = 0;
while (defined(my $len = <$in>)) {
  my $msg;
  read($in, $msg, int($len)) == int($len) or die "short read";
  if ($index % $nshards == $shard) {
    my $dkim = Mail::DKIM::Verifier->new();
    $dkim->PRINT($msg);
    $dkim->CLOSE();
    my @r = map { $_->result } $dkim->signatures;
    print "$index\t", join(',', @r), "\n";
  }
  $index++;
}
