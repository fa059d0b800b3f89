#!/usr/bin/perl
# Writes the small MaxMind DB files the geoip tests read, with Debian's libmaxmind-db-writer-perl:
#   perl make-mmdb.pl city|country|asn|unknown|anonymous OUTPUT.mmdb
# The city records are those of CoreDNS's plugin/geoip/testdata (81.2.69.142 in Cambridge) plus
# loopback networks, so that tests on 127/8 clients see two different places.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($kind, $output) = @ARGV;
die "usage: make-mmdb.pl city|country|asn|unknown|anonymous OUTPUT\n" unless $kind && $output;

my %types = (
    city => 'map', continent => 'map', country => 'map', registered_country => 'map',
    location => 'map', postal => 'map', names => 'map', subdivisions => ['array', 'map'],
    en => 'utf8_string', es => 'utf8_string', code => 'utf8_string', iso_code => 'utf8_string',
    time_zone => 'utf8_string', geoname_id => 'uint32', is_in_european_union => 'boolean',
    accuracy_radius => 'uint16', latitude => 'double', longitude => 'double', metro_code => 'uint32',
    autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
    is_anonymous => 'boolean',
);

my %database_type = (
    city => 'DBIP-City-Lite', country => 'GeoLite2-Country', asn => 'GeoLite2-ASN',
    unknown => 'UnknownDbType', anonymous => 'GeoIP2-Anonymous-IP',
);
die "unknown kind $kind\n" unless $database_type{$kind};

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 6,
    record_size => 28,
    database_type => $database_type{$kind},
    languages => ['en'],
    description => { en => 'Corvus geoip test database' },
    map_key_type_callback => sub { $types{ $_[0] } },
    remove_reserved_networks => 0,
);

sub place {
    my (%p) = @_;
    my %record = (
        continent => { code => $p{continent_code}, geoname_id => 6255148, names => { en => $p{continent} } },
        country => { iso_code => $p{country_code}, geoname_id => 2635167, names => { en => $p{country} },
                     is_in_european_union => $p{eu} },
    );
    return \%record if $kind eq 'country';
    $record{city} = { geoname_id => 2653941, names => { en => $p{city}, es => $p{city} } };
    $record{location} = { accuracy_radius => 200, latitude => $p{latitude}, longitude => $p{longitude},
                          metro_code => 0, time_zone => $p{time_zone} };
    $record{postal} = { code => $p{postal} };
    $record{subdivisions} = [ map { { iso_code => $_, geoname_id => 6269131, names => { en => $_ } } } @{ $p{subdivisions} } ];
    return \%record;
}

if ($kind eq 'asn') {
    $tree->insert_network('81.2.69.142/32',
        { autonomous_system_number => 12345, autonomous_system_organization => 'Test ASN Organization' });
    $tree->insert_network('10.0.0.0/8',
        { autonomous_system_number => 0, autonomous_system_organization => 'Not routed' });
    $tree->insert_network('127.0.0.0/8',
        { autonomous_system_number => 64512, autonomous_system_organization => 'Loopback Networks' });
} elsif ($kind eq 'anonymous') {
    $tree->insert_network('127.0.0.0/8', { is_anonymous => 1 });
} else {
    my $cambridge = place(city => 'Cambridge', country => 'United Kingdom', country_code => 'GB', eu => 1,
        continent => 'Europe', continent_code => 'EU', latitude => 52.2242, longitude => 0.1315,
        time_zone => 'Europe/London', postal => 'CB4', subdivisions => ['ENG', 'CAM']);
    my $exampleshire = place(city => 'Exampleshire', country => 'Example Republic', country_code => 'XR', eu => 0,
        continent => 'North America', continent_code => 'NA', latitude => -33.5, longitude => 151.25,
        time_zone => 'America/Toronto', postal => 'EX1', subdivisions => ['EXS']);
    $tree->insert_network('81.2.69.142/32', $cambridge);
    $tree->insert_network('127.0.0.0/24', $cambridge);
    $tree->insert_network('127.0.1.0/24', $exampleshire);
    $tree->insert_network('192.0.2.0/24', $exampleshire);
    $tree->insert_network('2001:db8::/32', $exampleshire);
}

open my $fh, '>:raw', $output or die "cannot write $output: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $output: $!\n";
